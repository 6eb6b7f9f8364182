import httpx

print(httpx.get("https://index.example/simple").status_code)
