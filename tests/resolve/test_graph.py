"""Dominators and freed sizes on hand-built graphs."""

from __future__ import annotations

from bloatlint.resolve.graph import (
    DependencyGraph,
    Size,
    bloat,
    immediate_dominators,
    redundancy,
)


def graph(edges: dict[str, list[str]], sizes: dict[str, int | None]) -> DependencyGraph:
    built = DependencyGraph("test")
    for name, size in sizes.items():
        built.add(name, size=Size(size, "installed") if size is not None else None)
    for parent, children in edges.items():
        for child in children:
            built.link(parent, child)
    return built


def test_dominators_of_a_diamond() -> None:
    edges = {"r": ["a", "b"], "a": ["c"], "b": ["c"], "c": ["d"]}
    idom = immediate_dominators(edges, "r")
    assert idom == {"r": "r", "a": "r", "b": "r", "c": "r", "d": "c"}


def test_dominators_of_a_chain_with_a_cycle() -> None:
    edges = {"r": ["a"], "a": ["b"], "b": ["c"], "c": ["a", "d"]}
    idom = immediate_dominators(edges, "r")
    assert idom == {"r": "r", "a": "r", "b": "a", "c": "b", "d": "c"}


def test_unused_package_frees_what_only_it_needs() -> None:
    g = graph(
        {
            "tensorflow": ["keras", "numpy", "tensorboard"],
            "keras": ["numpy", "h5py"],
            "pandas": ["numpy"],
        },
        {
            "tensorflow": 1000,
            "keras": 100,
            "numpy": 50,
            "tensorboard": 20,
            "h5py": 10,
            "pandas": 40,
        },
    )
    freed = redundancy(g, kept=["pandas"], candidates=["tensorflow"])["tensorflow"]
    assert freed.packages == ("tensorflow", "keras", "tensorboard", "h5py")
    assert freed.bytes == 1130
    assert freed.unknown == ()
    assert freed.share == 1130 / 1220


def test_shared_dependency_of_two_unused_packages_is_freed_by_neither_alone() -> None:
    g = graph({"a": ["shared"], "b": ["shared"]}, {"a": 1, "b": 2, "shared": 100})
    freed = redundancy(g, kept=[], candidates=["a", "b"])
    assert freed["a"].packages == ("a",)
    assert freed["b"].bytes == 2
    assert bloat(g, [], ["a", "b"]) == {"a", "b", "shared"}


def test_unused_package_that_a_used_one_needs_frees_nothing() -> None:
    g = graph({"seaborn": ["pandas", "matplotlib"]}, {"seaborn": 2, "pandas": 77, "matplotlib": 30})
    freed = redundancy(g, kept=["seaborn"], candidates=["pandas"])["pandas"]
    assert freed.packages == ()
    assert freed.bytes == 0
    # and the other way round: seaborn unused, pandas declared and kept
    freed = redundancy(g, kept=["pandas"], candidates=["seaborn"])["seaborn"]
    assert freed.packages == ("seaborn", "matplotlib")
    assert freed.bytes == 32


def test_cycle_through_the_candidate_is_still_freed() -> None:
    g = graph({"a": ["b"], "b": ["a", "c"]}, {"a": 1, "b": 2, "c": 4})
    freed = redundancy(g, kept=[], candidates=["a"])["a"]
    assert set(freed.packages) == {"a", "b", "c"}
    assert freed.bytes == 7


def test_unknown_sizes_stay_unknown() -> None:
    g = graph({"a": ["b", "c"]}, {"a": 10, "b": None, "c": 5})
    freed = redundancy(g, kept=[], candidates=["a"])["a"]
    assert freed.bytes == 15
    assert freed.unknown == ("b",)
    assert freed.packages == ("a", "c", "b")
    g = graph({"a": ["b"]}, {"a": None, "b": 5})
    assert redundancy(g, kept=[], candidates=["a"])["a"].bytes is None


def test_candidate_missing_from_the_graph() -> None:
    g = graph({}, {"x": 1})
    freed = redundancy(g, kept=["x"], candidates=["ghost"])["ghost"]
    assert freed.packages == ("ghost",)
    assert freed.bytes is None


def test_environment_bytes_ignore_the_project_and_unknowns() -> None:
    g = graph({}, {"a": 3, "b": None})
    g.add("me", is_project=True, size=Size(1000, "installed"))
    assert g.environment_bytes() == 3
    assert graph({}, {"a": None}).environment_bytes() is None


def test_the_projects_own_node_keeps_nothing_alive() -> None:
    # a lock's root is the project itself, depending on everything it declares
    g = graph({"app": ["torch", "numpy"], "torch": ["numpy"]}, {"torch": 700, "numpy": 30})
    g.add("app", size=None, is_project=True)
    freed = redundancy(g, kept=["app", "numpy"], candidates=["torch"])
    assert (freed["torch"].packages, freed["torch"].bytes) == (("torch",), 700)
    assert bloat(g, kept=["app", "numpy"], candidates=["torch"]) == {"torch"}
