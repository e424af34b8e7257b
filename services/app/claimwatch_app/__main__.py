from claimwatch_app.cli import main

main()
