from bloatlint.cli import main

raise SystemExit(main())
