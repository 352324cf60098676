import sys

from lgnet.cli.entry import main

sys.exit(main())
