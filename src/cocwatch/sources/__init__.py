"""Edges that talk to the network with httpx: remote registry, MSDS downloads, page watching.

Functions here take an `httpx.Client` (or build one with `client()`) so tests can pass a
client with `httpx.MockTransport` or point at a real server on 127.0.0.1.
"""
