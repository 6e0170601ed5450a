"""The interfaces: blueprints and their access policies, rendering helpers, error
pages, redirects, URL converters and the command line (an interface like the views).

Views are thin: they parse input, call one `people` service or look content up,
and render. This layer may import every other layer; nothing imports it.
"""
