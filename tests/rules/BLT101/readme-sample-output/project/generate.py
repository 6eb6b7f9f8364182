import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--prompt")
print(parser.parse_args().prompt)
