from cocwatch.launch import main

main()
