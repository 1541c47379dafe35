from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode

from dashboard.forms import SearchForm
from dashboard.search import LIMIT, site_search
from dashboard.views.coverage import _prefix


@login_required
def search(request):
    """/dasbor/cari/?q=…: buildings and regions of the user's scope. A refused query (too long,
    a NIK) is named in a message and not put back in the box."""
    prefix = _prefix(request)
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    # The language switch comes back here; a refused query is not carried along.
    language_next = request.path
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = site_search(user=request.user, prefix=prefix, query=query)
        language_next += "?" + urlencode({"q": query})
    return render(
        request,
        "dashboard/search.html",
        {
            "form": form,
            "results": results,
            "limit": LIMIT,
            "search_page": True,
            "language_next": language_next,
        },
    )
