from pocketrl.cli import main

raise SystemExit(main())
