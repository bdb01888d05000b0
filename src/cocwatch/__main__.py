from cocwatch.cli import main

main()
