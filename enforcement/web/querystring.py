"""The query string of the current page without some parameters, for links that change only those (paging,
page size, a filter tab) and keep every other filter the user chose."""


def querystring(request, *drop):
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()
