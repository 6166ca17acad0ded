"""The ratio benchmark of ``make bench``: every measurement against a baseline taken in the same
run (median of at least five): the loads against COPY of the same rows (``loads``), each endpoint
against its own SQL, a trivial ``.values()`` view of the same rows and a no-op endpoint
(``endpoints``, with the baseline views of ``views`` mounted only by ``urls``), throughput under
gunicorn with two workers (``throughput``), and a sheet save and a transition on the province
database against the demo's (``writes``). ``table`` prints one table with the issue's targets."""
