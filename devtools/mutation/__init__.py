"""Mutation testing of the rule modules: a hand-written list of small wrong changes to the rules
(``mutants.py``), each applied to a copy of the source tree while a chosen subset of the tests runs.
A mutant the tests do not notice ("survives") is a rule nothing pins. ``python -m devtools.mutation``
(``make mutate``); no Django import here, and no app imports this."""
