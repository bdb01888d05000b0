"""cocwatch: track NHS Trusts' progress on midwifery Continuity of Carer.

Importing this package is cheap: heavy modules load inside the commands that need them.
"""

__version__ = "0.1.0"
