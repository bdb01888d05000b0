"""The online services cocwatch reads, each at a base address a user can change.

One declaration each, in `WEB_ADDRESSES`: the key in the config file, the environment
variable, the default and what the service is. The config file's keys (`Config`), `config
show`, `config init`'s sample and the help of the commands that use a service all come from
it, so a new service is one line here. Where the value comes from (option, environment,
config, default) is worked out in `cocwatch.locations.resolve_web_address`. An official
source's series page (`series_of`) is also its declaration's default
(`cocwatch.statistics.msds.measures`) and where `import SOURCE --latest` looks.

Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The longest default address a command's help names whole (longer ones, and any with a
# hyphen, are named by where to see them).
HELP_ADDRESS_WIDTH = 40


@dataclass(frozen=True, slots=True)
class WebAddress:
    """The base address of an online service: where to change it and what it is."""

    key: str  # the config file's key, e.g. whatdotheyknow_url
    env: str  # the environment variable, e.g. COCWATCH_WHATDOTHEYKNOW
    default: str
    what: str  # what the service is, in a few words, for help texts
    old_key: str | None = None  # an earlier name of the config key, still read
    old_env: str | None = None  # an earlier name of the environment variable, still read
    series_of: str | None = None  # the official source whose releases this page lists

    def help(self) -> str:
        """Where the address comes from, for a command's help: '…: whatdotheyknow_url in the
        config file or $COCWATCH_WHATDOTHEYKNOW, else https://www.whatdotheyknow.com'."""
        # Help text is wrapped at spaces and hyphens into a column about 45 characters wide:
        # a longer address, or one with a hyphen, may be cut across lines where nobody could
        # copy it.
        whole = len(self.default) <= HELP_ADDRESS_WIDTH and "-" not in self.default
        default = self.default if whole else "the address `cocwatch config show` prints"
        return f"{self.what}: {self.key} in the config file or ${self.env}, else {default}"


WEB_ADDRESSES: tuple[WebAddress, ...] = (
    WebAddress(
        "whatdotheyknow_url",
        "COCWATCH_WHATDOTHEYKNOW",
        "https://www.whatdotheyknow.com",
        "WhatDoTheyKnow, where FOI requests are made in the open (or another Alaveteli site)",
    ),
    WebAddress(
        "statistics_url",
        "COCWATCH_STATISTICS_URL",
        "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "maternity-services-monthly-statistics",
        "NHS England's series page of the Maternity Services Monthly Statistics",
        old_key="msds_index",
        old_env="COCWATCH_MSDS_INDEX",
        series_of="msds",
    ),
    WebAddress(
        "postcodes_url",
        "COCWATCH_POSTCODES_URL",
        "https://api.postcodes.io",
        "postcodes.io, which finds a postcode's constituency and ICB (`cocwatch mp`)",
    ),
    WebAddress(
        "parliament_url",
        "COCWATCH_PARLIAMENT_URL",
        "https://members-api.parliament.uk",
        "UK Parliament's Members API, which finds a constituency's MP (`cocwatch mp`)",
    ),
)
WEB_ADDRESS: Mapping[str, WebAddress] = {w.key: w for w in WEB_ADDRESSES}


def series_page(source: str) -> WebAddress | None:
    """The declared address of the page listing an official source's releases, if any."""
    return next((w for w in WEB_ADDRESSES if w.series_of == source), None)
