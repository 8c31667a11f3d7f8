// The HTML report's page, compiled in: reports/html/ and Debian's Chart.js
// (libjs-chart.js), made into string constants at build time by
// reports/html/embed.cmake. The HTML reporter writes them into every report,
// so a report opens from file:// without network or other files.
#pragma once

namespace phptrun::html_assets {

extern const char kStyle[];    // reports/html/report.css, inside <style>
extern const char kBody[];     // reports/html/body.html: the page's fixed markup
extern const char kScript[];   // reports/html/report.js: builds the page from the data
extern const char kChartJs[];  // Chart.js 3 (UMD build), inside <script>

}  // namespace phptrun::html_assets
