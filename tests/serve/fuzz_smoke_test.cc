// Runs the libFuzzer entry point (fuzz/serve_request_fuzz.cc) over seeded and mutated request
// bodies so every CI build exercises it, with or without clang.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const char* const kSeeds[] = {
    R"({"series": ["CA_1/FOODS_3_090"], "horizon": 28, "levels": [80, 95]})",
    R"({"model": "snaive", "season": 2, "horizon": 3, "levels": [80, 95], "data": [{"unique_id":
       "1", "ds": ["2020-01-01", "2020-01-02", "2020-01-03"], "y": [1, null, 3]}]})",
    R"({"batch_id": "b1", "dataset": "d", "data": [{"unique_id": "a", "ds": ["05-02-2010",
       "12-02-2010"], "y": [1.5, -2]}, {"unique_id": "a", "ds": ["05-02-2010"], "y": [1]}]})",
    R"({"model": ["naive"], "horizon": 1, "freq": "W-FRI", "data": [{"unique_id": "x,\"y\"",
       "ds": ["2012-11-02", "2012-11-03"], "y": [1e308, 0]}]})",
    "Bearer rck_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "/v1/artifacts/12/promote",
    "{\"series\": [\"\xff\xfe\"], \"horizon\": 1}",
};

int FuzzOne(const std::string& s) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(ServeFuzzSmokeTest, SeedsWithEveryOptionByte) {
  for (const char* seed : kSeeds) {
    for (int mode = 0; mode < 256; mode += 17) {
      EXPECT_EQ(FuzzOne(std::string(1, static_cast<char>(mode)) + seed), 0);
    }
  }
}

TEST(ServeFuzzSmokeTest, MutatedInputs) {
  std::mt19937 rng(2024);
  const std::string alphabet = "{}[]\":,0123456789.-eE nultrfasdyhzoim_/\\\xc3\xa9\n";
  for (int i = 0; i < 600; ++i) {
    std::string s =
        std::string(1, static_cast<char>(rng() & 0xFF)) + kSeeds[rng() % std::size(kSeeds)];
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && s.size() > 1; ++e) {
      const size_t at = 1 + rng() % (s.size() - 1);
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          s[at] = c;
          break;
        case 1:
          s.insert(at, 1, c);
          break;
        default:
          s.erase(at, 1);
          break;
      }
    }
    EXPECT_EQ(FuzzOne(s), 0);
  }
}

}  // namespace
