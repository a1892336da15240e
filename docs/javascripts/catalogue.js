// The pattern catalogue's filters (docsite/catalogue.py renders the buttons and the table): one cloud and one kind of
// event at a time; a pressed button filters the rows by its column, pressing it again clears that filter.
(function () {
  const COLUMNS = { cloud: 2, events: 3 };

  function setUp(catalogue) {
    const rows = Array.from(catalogue.querySelectorAll("table tbody tr"));
    const empty = catalogue.querySelector(".catalogue-empty");
    const chosen = {};
    function apply() {
      let shown = 0;
      for (const row of rows) {
        const visible = Object.entries(chosen).every(
          ([key, value]) => row.cells[COLUMNS[key]].textContent.trim() === value
        );
        row.hidden = !visible;
        shown += visible ? 1 : 0;
      }
      if (empty) empty.hidden = shown > 0;
    }
    for (const button of catalogue.querySelectorAll("button.catalogue-filter")) {
      button.addEventListener("click", () => {
        const key = button.dataset.filter;
        const value = chosen[key] === button.dataset.value ? undefined : button.dataset.value;
        if (value === undefined) delete chosen[key];
        else chosen[key] = value;
        for (const other of catalogue.querySelectorAll(`button.catalogue-filter[data-filter="${key}"]`)) {
          other.setAttribute("aria-pressed", String(other.dataset.value === value));
        }
        apply();
      });
    }
  }

  function init() {
    for (const catalogue of document.querySelectorAll("div.catalogue")) {
      if (!catalogue.dataset.ready) {
        catalogue.dataset.ready = "true";
        setUp(catalogue);
      }
    }
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);  // Material's page-load observable
  else document.addEventListener("DOMContentLoaded", init);
})();
