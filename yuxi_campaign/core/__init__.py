"""Plumbing every app uses: domain errors, API base classes, the periodic-job runner. It imports
no app of the project (the bottom layer of the import contract)."""
