// Seeded random numbers, one stream per series.
//
// A series' stream is derived from the run seed and the series id only, so a result never
// depends on which thread handled the series or in which order. The generator and the normal
// sampler are written out here (not std::normal_distribution, whose algorithm is
// implementation-defined) so the same seed gives the same draws with any standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace retailcast {

// SplitMix64 finaliser (Steele, Lea & Flood 2014): a good 64-bit mixing function.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a hash of the id mixed with the run seed.
inline uint64_t SeriesSeed(uint64_t seed, std::string_view series_id) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : series_id) h = (h ^ c) * 0x100000001b3ULL;
  return Mix64(h ^ Mix64(seed));
}

// xoshiro256** (Blackman & Vigna 2018).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) {
      x = Mix64(x);
      s = x;
    }
  }
  Rng(uint64_t seed, std::string_view series_id) : Rng(SeriesSeed(seed, series_id)) {}

  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // Standard normal by the Marsaglia polar method; the spare draw is kept.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  // Poisson draw (Knuth's product method for small means, normal approximation above 50).
  int64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 50) {
      double x = std::round(mean + std::sqrt(mean) * Normal());
      return x < 0 ? 0 : static_cast<int64_t>(x);
    }
    double limit = std::exp(-mean), p = 1.0;
    int64_t k = 0;
    do {
      ++k;
      p *= Uniform();
    } while (p > limit);
    return k - 1;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace retailcast
