#include "least_squares.h"

#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Dense>

namespace retailcast::models {

LeastSquaresFit FitLeastSquares(std::span<const std::span<const double>> columns,
                                std::span<const double> y) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const size_t k = columns.size();
  LeastSquaresFit fit;
  fit.coef.assign(k, kNaN);
  fit.se.assign(k, kNaN);
  fit.used.assign(y.size(), false);
  std::vector<size_t> rows;
  for (size_t t = 0; t < y.size(); ++t) {
    bool ok = !std::isnan(y[t]);
    for (size_t j = 0; ok && j < k; ++j) ok = !std::isnan(columns[j][t]);
    if (ok) {
      rows.push_back(t);
      fit.used[t] = true;
    }
  }
  fit.n = static_cast<int>(rows.size());
  if (rows.empty() || k == 0) {
    for (size_t t : rows) fit.rss += y[t] * y[t];
    fit.df = fit.n;
    return fit;
  }
  Eigen::MatrixXd x(rows.size(), k);
  Eigen::VectorXd b(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < k; ++j) x(i, j) = columns[j][rows[i]];
    b(i) = y[rows[i]];
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(1e-7);
  fit.rank = static_cast<int>(qr.rank());
  fit.df = fit.n - fit.rank;
  if (fit.rank == 0) {
    fit.rss = b.squaredNorm();
    return fit;
  }
  // Solve on the first `rank` pivoted columns only; the others are collinear (NaN).
  const int rank = fit.rank;
  const Eigen::MatrixXd r = qr.matrixR().topLeftCorner(rank, rank).triangularView<Eigen::Upper>();
  const Eigen::VectorXd qtb = (qr.householderQ().transpose() * b).head(rank);
  const Eigen::VectorXd z = r.triangularView<Eigen::Upper>().solve(qtb);
  Eigen::VectorXd fitted = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rows.size()));
  const auto& perm = qr.colsPermutation().indices();
  for (int i = 0; i < rank; ++i) {
    fit.coef[perm(i)] = z(i);
    fitted += x.col(perm(i)) * z(i);
  }
  fit.rss = (b - fitted).squaredNorm();
  if (fit.df > 0) {
    const double s2 = fit.rss / fit.df;
    const Eigen::MatrixXd rinv =
        r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(rank, rank));
    for (int i = 0; i < rank; ++i) fit.se[perm(i)] = std::sqrt(s2 * rinv.row(i).squaredNorm());
  }
  return fit;
}

}  // namespace retailcast::models
