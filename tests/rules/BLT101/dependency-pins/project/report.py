import requests

print(requests.get("https://index.example/simple").status_code)
