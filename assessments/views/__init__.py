"""Pages for officials (``lists``, ``detail``, ``sheet``, ``actions``) and the public notice
(``public``). Every page fetches through the same selectors as the API, lists filter through the
same FilterSets, and every state change is one service call on POST followed by a redirect."""
