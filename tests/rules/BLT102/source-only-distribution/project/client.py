import requests
from ratelimit import limits, sleep_and_retry


@sleep_and_retry
@limits(calls=10, period=60)
def fetch(url):
    return requests.get(url, timeout=10).json()
