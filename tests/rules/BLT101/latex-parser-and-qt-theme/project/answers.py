from sympy.parsing.latex import parse_latex


def grade(latex_answer, expected):
    return parse_latex(latex_answer).equals(expected)
