"""The command-line layer: ``entry`` (the ``lgnet`` command) and one module per subcommand (``data``,
``check``, ``simulate``, ``mrqap``, ``run``). The only layer that parses arguments and prints to the console.
"""
