def collection():
    return None
