from dataclasses import dataclass
import requests
