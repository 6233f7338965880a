// Search as you type: the only script on the pages. It asks /api/search and writes the
// results with textContent (never innerHTML), so a name from a report stays text.
"use strict";
(function () {
  var input = document.getElementById("q");
  var list = document.getElementById("hits");
  if (!input || !list) return;
  var lang = input.dataset.lang;
  var timer = null, seq = 0;
  function show(data, mine) {
    if (mine !== seq) return; // an older answer arriving late
    list.replaceChildren();
    if (!data.agencies.length && input.value.trim()) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = list.dataset.none;
      list.appendChild(none);
    }
    data.agencies.forEach(function (a) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/agency/" + encodeURIComponent(a.id) + (lang === "zh" ? "" : "?lang=" + lang);
      link.textContent = a.name;
      var region = document.createElement("span");
      region.className = "region";
      region.textContent = a.region;
      var years = document.createElement("span");
      years.className = "years";
      years.textContent = list.dataset.years + ": " + a.years.join(", ");
      li.append(link, " ", region, " ", years);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var mine = ++seq;
      var text = input.value.trim();
      if (!text) { list.replaceChildren(); return; }
      fetch(input.dataset.api + "?q=" + encodeURIComponent(text))
        .then(function (r) { return r.json(); })
        .then(function (d) { show(d, mine); })
        .catch(function () {});
      var url = new URL(window.location.href);
      url.searchParams.set("q", text);
      history.replaceState(null, "", url); // the address stays a link to these results
    }, 150);
  });
})();
