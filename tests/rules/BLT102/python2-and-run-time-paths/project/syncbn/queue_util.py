try:
    from queue import Queue
except ImportError:
    from Queue import Queue

JOBS = Queue()
