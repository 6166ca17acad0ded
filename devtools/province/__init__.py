"""A province-sized data set for benchmarks: all of Yunnan's divisions (one tree per prefecture)
with generated groups below every village, the default indicator sets and campaign, and a year of
scores for every unit (``generate``), then timings of the read endpoints against it (``bench``).

Everything here is bulk work: units go through ``orgs_bulk_load`` (one depth-first numbering per
tree), assessments and titles through ``bulk_create`` and score rows through one raw
``executemany`` per chunk (about 2.8 million rows: building a model instance for each would cost
more than inserting it). Totals are computed with the rule of ``indicators.scoring`` rather than
through the workflow services, which save one sheet at a time (``scores``). Scores are random but
deterministic: each unit draws from its own generator seeded with its code and the year, so a
slice of the province gets the same numbers as the whole. Re-running creates nothing new."""
