import pandas

print(pandas.DataFrame())
