"""Development tools: the benchmark and the tiny-model builders. They may use anything; no
runtime module imports them (an import contract checks), only the CLI's ``bench``, ``load``
and ``models tiny`` commands do."""
