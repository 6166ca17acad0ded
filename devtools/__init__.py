"""Development tools, not app code: ``generate_province`` builds a province-sized data set and times
the read endpoints against it (``make bench``). Installed only when the ``DEVTOOLS`` flag is on (by
default with ``DEBUG``); it sits at the top of the layers and no app may import it."""
