"""The documents the organisation department and the parent units issue and print: the 公示
(public notice), the 命名 decision, the 通报批评 circular and an assessment's score sheet, each as
an A4 print page and as a ``.docx`` that the office edits and stamps before it goes out.

``params`` reads and checks the query string, ``selectors`` what each document lists (a fixed
number of queries whatever the number of units), ``content`` the words of each document
(``score_sheet`` those of the score sheet), ``docx`` the Word builder, ``views`` the pages,
``policy`` who may print them; ``models`` the settings an administrator edits."""
