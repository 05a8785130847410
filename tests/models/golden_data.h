// Data for the golden tests of the theta and intermittent-demand models: R's datasets
// (R 4.2.2, package datasets) and a reader for the shared long CSVs (unique_id,ds,y).
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace retailcast::testing {

// datasets::AirPassengers (monthly, 1949-01 .. 1960-12).
inline const std::vector<double> kAirPassengers = {
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149,
    170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243,
    264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374,
    413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472,
    548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432};

// datasets::USAccDeaths (monthly, 1973-01 .. 1978-12).
inline const std::vector<double> kUSAccDeaths = {
    9007, 8106, 8928, 9137, 10017, 10826, 11317, 10744, 9713, 9938, 9161, 8927,
    7750, 6981, 8038, 8422, 8714,  9512,  10120, 9823,  8743, 9129, 8710, 8680,
    8162, 7306, 8124, 7870, 9387,  9556,  10093, 9620,  8285, 8466, 8160, 8034,
    7717, 7461, 7767, 7925, 8623,  8945,  10078, 9179,  8037, 8488, 7874, 8647,
    7792, 6957, 7726, 8106, 8890,  9299,  10625, 9302,  8314, 8850, 8265, 8796,
    7836, 6892, 7791, 8192, 9115,  9434,  10484, 9827,  9110, 9070, 8633, 9240};

// datasets::Nile (yearly, 1871 .. 1970).
inline const std::vector<double> kNile = {
    1120, 1160, 963, 1210, 1160, 1160, 813,  1230, 1370, 1140, 995,  935,  1110, 994,  1020,
    960,  1180, 799, 958,  1140, 1100, 1210, 1150, 1250, 1260, 1220, 1030, 1100, 774,  840,
    874,  694,  940, 833,  701,  916,  692,  1020, 1050, 969,  831,  726,  456,  824,  702,
    1120, 1100, 832, 764,  821,  768,  845,  864,  862,  698,  845,  744,  796,  1040, 759,
    781,  865,  845, 944,  984,  897,  822,  1010, 771,  676,  649,  846,  812,  742,  801,
    1040, 860,  874, 848,  890,  744,  749,  838,  1050, 918,  986,  797,  923,  975,  815,
    1020, 906,  901, 1170, 912,  746,  919,  718,  714,  740};

// The first `n` values of series `id` of a long CSV unique_id,ds,y (ISO dates, so sorting by
// the text of ds sorts by date). Empty when the file or the series is absent.
inline std::vector<double> ReadLongSeries(const std::string& path, std::string_view id, size_t n) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::pair<std::string, double>> rows;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.compare(0, id.size(), id) != 0 || line.size() <= id.size() || line[id.size()] != ',') {
      continue;
    }
    std::stringstream ss(line);
    std::string uid, ds, y;
    std::getline(ss, uid, ',');
    std::getline(ss, ds, ',');
    std::getline(ss, y, ',');
    rows.emplace_back(ds, std::stod(y));
  }
  std::sort(rows.begin(), rows.end());
  std::vector<double> out;
  for (size_t i = 0; i < rows.size() && i < n; ++i) out.push_back(rows[i].second);
  return out;
}

}  // namespace retailcast::testing
