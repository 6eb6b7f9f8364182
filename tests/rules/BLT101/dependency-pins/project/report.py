import insightface
import requests

print(requests.get("https://index.example/simple").status_code)
print(insightface.app.FaceAnalysis)
