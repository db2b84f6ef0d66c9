"""PDF from HTML with WeasyPrint, fetching nothing: the style is in the template and every URL
is refused (no network, no file system)."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class NoFetch(URLFetcher):
    """Refuses every URL: a generated document must not reach the network or the disk."""

    def fetch(self, url, headers=None):
        raise ValueError("a generated PDF fetches nothing")


def render_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=NoFetch()).write_pdf()
