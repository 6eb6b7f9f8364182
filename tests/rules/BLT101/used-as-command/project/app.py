def app(scope, receive, send):
    return None
