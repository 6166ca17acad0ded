"""Every number the department's pages show, read in one place (one module per family: pace,
registers), with query counts that do not grow with the number of units."""
