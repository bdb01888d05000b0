"""The pure core: plain values in, plain values out.

Nothing here reads files, the network, the clock or the terminal; the as-of date is always
a parameter. Only pydantic and the standard library may be imported.
"""
