"""Testing support for grammar authors (docs/plugins.md).

* ``conflictrules.testing.strategies``: hypothesis strategies that generate text from a
  rule (``phrases``, ``sentences``, ``pack_phrases``) with the values the rule must yield,
  and ``check_phrase`` / ``assert_phrase`` to match a rule alone against such text;
* ``conflictrules.testing.examples``: a pack's inline examples as tests
  (``assert_pack_examples``, ``example_params`` + ``assert_example``, ``grammar_for``);
* ``conflictrules.testing.pytest_plugin``: registered as a ``pytest11`` entry point, so
  ``pytest`` collects the examples of every ``.rules`` file beside a ``pack.cfg``.

Importing this package (or ``strategies``) never imports hypothesis; building a strategy
does.
"""
