import fastapi
from matplotlib import pyplot
from rich.console import Console

app = fastapi.FastAPI()
console = Console()


def plot(values: list[float]) -> None:
    pyplot.plot(values)
