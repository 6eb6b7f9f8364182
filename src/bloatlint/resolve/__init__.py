"""From names to distributions: installed environments, bundled knowledge, dependency graphs."""
