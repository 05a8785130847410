// Runs the libFuzzer entry point (fuzz/csv_fuzz.cc) over a few hundred seeded random and
// mutated inputs so every CI build exercises it, with or without clang.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const char* const kSeeds[] = {
    "unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,2\nb,2020-01-01,3\n",
    "unique_id,ds,y,a,p\r\n\"x\",\"2020-01-03\",1,q,TRUE\r\nx,2020-01-01,NA,q,FALSE\r\nx,2020-01-"
    "01,2,r,1\r\n",
    "\xEF\xBB\xBFunique_id;ds;y\ra;05-02-2010;1\ra;12-02-2010;-2\r",
    "unique_id,ds,y\n\"a\nb\",2020-01-01,1\n\"unterminated,2020-01-02,2\n",
    "ds,unique_id,y\n1/4/2021,s,2\n1/10/2021,s,3\n13/1/2021,s,x\n",
    // Found by libFuzzer: a syntax error in a field beyond the header's last column.
    "unique_id,ds,y\na,2020-01-_id,-01-03\",1,\"x\",\"2020-01-03\"0-01-01,3-01,1\na\n",
};

int FuzzOne(const std::string& s) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(FuzzSmokeTest, SeedsWithEveryOptionByte) {
  for (const char* seed : kSeeds) {
    for (int mode = 0; mode < 256; mode += 7)
      EXPECT_EQ(FuzzOne(std::string(1, static_cast<char>(mode)) + seed), 0);
  }
}

TEST(FuzzSmokeTest, MutatedAndRandomInputs) {
  std::mt19937 rng(12345);
  const std::string alphabet = "abc,;\"\r\n0123456789-./: TRUEFALSENAyds_id\xEF\xBB\xBF";
  for (int i = 0; i < 400; ++i) {
    std::string s =
        std::string(1, static_cast<char>(rng() & 0xFF)) + kSeeds[rng() % std::size(kSeeds)];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      size_t at = 1 + rng() % s.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          if (at < s.size()) s[at] = c;
          break;
        case 1:
          s.insert(std::min(at, s.size()), 1, c);
          break;
        default:
          if (at < s.size()) s.erase(at, 1);
          break;
      }
    }
    EXPECT_EQ(FuzzOne(s), 0);
  }
  for (int i = 0; i < 100; ++i) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    EXPECT_EQ(FuzzOne(s), 0);
  }
}

}  // namespace
