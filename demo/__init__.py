"""The demo data: Yuxi's tree with generated groups, demo logins and assessments in every state,
loaded by ``manage.py seed_demo``. It sits above every other app and may use any of them; no app
may import it."""
