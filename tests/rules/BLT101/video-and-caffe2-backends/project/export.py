import torch
from caffe2.python import net_drawer


def save_graph(net, path):
    graph = net_drawer.GetPydotGraph(net.Proto().op, rankdir="TB")
    graph.write_svg(path)
