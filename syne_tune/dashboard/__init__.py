"""A live, read-only web page over the results folder: ``syne-tune dashboard``.

``data`` turns stored experiments into JSON-ready dicts (and analysis plots into PNGs);
``server`` serves them with the standard library's ThreadingHTTPServer, next to the page in
``static/`` (plain JavaScript drawing SVG charts: nothing is fetched from the network).
"""
