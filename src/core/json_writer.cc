#include "retailcast/core/json_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace retailcast {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid, RFC 3629).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void JsonWriter::AppendString(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(value, i);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    out->append(value.data() + run, i - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out->append(esc, 6);
        } else {
          out->append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not valid UTF-8
        }
        break;
    }
    ++i;
    run = i;
  }
  out->append(value.data() + run, value.size() - run);
  out->push_back('"');
}

namespace {

constexpr char kPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

constexpr uint64_t kPow10[] = {1ULL,
                               10ULL,
                               100ULL,
                               1000ULL,
                               10000ULL,
                               100000ULL,
                               1000000ULL,
                               10000000ULL,
                               100000000ULL,
                               1000000000ULL,
                               10000000000ULL,
                               100000000000ULL,
                               1000000000000ULL,
                               10000000000000ULL,
                               100000000000000ULL,
                               1000000000000000ULL,
                               10000000000000000ULL,
                               100000000000000000ULL,
                               1000000000000000000ULL};

// Writes exactly `count` decimal digits of `v` (leading zeros included) ending at `end`.
// Digits go straight to their final place (building them in a scratch buffer and copying it
// out stalls on store-to-load forwarding), eight at a time in 32-bit arithmetic split in
// halves, so the divisions form short independent chains rather than one long serial one.
void WriteDigits(char* end, uint64_t v, int count) {
  auto pair = [](char* at, uint32_t two) { std::memcpy(at, kPairs + two * 2, 2); };
  while (count >= 8) {
    const auto low = static_cast<uint32_t>(v % 100000000);
    v /= 100000000;
    const uint32_t hi = low / 10000, lo = low % 10000;
    pair(end - 8, hi / 100);
    pair(end - 6, hi % 100);
    pair(end - 4, lo / 100);
    pair(end - 2, lo % 100);
    end -= 8;
    count -= 8;
  }
  auto rest = static_cast<uint32_t>(v);
  while (count >= 2) {
    pair(end - 2, rest % 100);
    rest /= 100;
    end -= 2;
    count -= 2;
  }
  if (count == 1) *--end = static_cast<char>('0' + rest % 10);
}

// Decimal digits of v > 0 without a data-dependent loop (a loop mispredicts on every number):
// bit length * log10(2) ~ 1233 / 4096 guesses floor(log10(v)) up to one too many (Bit Twiddling
// Hacks, "Find integer log base 10 of an integer").
int DigitCount(uint64_t v) {
  const int guess = ((64 - __builtin_clzll(v)) * 1233) >> 12;
  return guess - (v < kPow10[guess] ? 1 : 0) + 1;
}

}  // namespace

char* JsonWriter::WriteDouble(char* p, double value) {
  if (!std::isfinite(value)) return std::copy_n("null", 4, p);
  if (value == 0) {
    // "-0" reads back as the integer 0 in most JSON readers; "-0.0" keeps the sign.
    return std::signbit(value) ? std::copy_n("-0.0", 4, p) : std::copy_n("0", 1, p);
  }
  // The shortest decimal that reads back as the same double: Dragonbox (Jeon, "Dragonbox: A
  // New Floating-Point Binary-to-Decimal Conversion Algorithm", 2020) from Debian's fmt, which
  // exports it. Its digits are placed here, JavaScript-style (plain notation for decimal
  // exponents -6 .. 21, else d.ddde±x), because fmt's own writer and std::to_chars spend more
  // time placing digits than finding them; the forecast path writes ~150 numbers per series.
  const auto dec = fmt::detail::dragonbox::to_decimal(std::fabs(value));
  const uint64_t m = dec.significand;
  const int n = DigitCount(m);
  const int point = n + dec.exponent;  // digits before the decimal point
  if (value < 0) *p++ = '-';
  if (point >= n && point <= 21) {
    WriteDigits(p + n, m, n);
    p += n;
    for (int i = n; i < point; ++i) *p++ = '0';
    return p;
  }
  if (point > 0 && point < n) {
    const int fraction = n - point;
    WriteDigits(p + point, m / kPow10[fraction], point);
    p[point] = '.';
    WriteDigits(p + n + 1, m % kPow10[fraction], fraction);
    return p + n + 1;
  }
  if (point <= 0 && point > -6) {
    *p++ = '0';
    *p++ = '.';
    for (int i = point; i < 0; ++i) *p++ = '0';
    WriteDigits(p + n, m, n);
    return p + n;
  }
  *p++ = static_cast<char>('0' + m / kPow10[n - 1]);
  if (n > 1) {
    *p++ = '.';
    WriteDigits(p + n - 1, m % kPow10[n - 1], n - 1);
    p += n - 1;
  }
  *p++ = 'e';
  int e = point - 1;
  if (e < 0) {
    *p++ = '-';
    e = -e;
  }
  if (e >= 100) *p++ = static_cast<char>('0' + e / 100);
  if (e >= 10) *p++ = static_cast<char>('0' + e / 10 % 10);
  *p++ = static_cast<char>('0' + e % 10);
  return p;
}

void JsonWriter::AppendDouble(std::string* out, double value) {
  char buf[kMaxDoubleChars];
  out->append(buf, WriteDouble(buf, value));
}

void JsonWriter::DoubleArray(std::span<const double> values) {
  Separate();
  // Formatted into a stack buffer and appended in large pieces: one std::string::append per
  // number costs as much as finding its digits.
  char buf[2048];
  char* p = buf;
  *p++ = '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (p + kMaxDoubleChars + 2 > buf + sizeof buf) {
      out_->append(buf, p);
      p = buf;
    }
    if (i > 0) *p++ = ',';
    p = WriteDouble(p, values[i]);
  }
  *p++ = ']';
  out_->append(buf, p);
}

void JsonWriter::NullArray(size_t n) {
  Separate();
  out_->push_back('[');
  for (size_t i = 0; i < n; ++i) out_->append(i > 0 ? ",null" : "null");
  out_->push_back(']');
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const uint64_t bit = uint64_t{1} << (depth_ - 1);
  if ((has_element_ & bit) != 0) out_->push_back(',');
  has_element_ |= bit;
}

void JsonWriter::BeginObject() {
  Separate();
  out_->push_back('{');
  ++depth_;
  has_element_ &= ~(uint64_t{1} << (depth_ - 1));
}

void JsonWriter::EndObject() {
  out_->push_back('}');
  --depth_;
}

void JsonWriter::BeginArray() {
  Separate();
  out_->push_back('[');
  ++depth_;
  has_element_ &= ~(uint64_t{1} << (depth_ - 1));
}

void JsonWriter::EndArray() {
  out_->push_back(']');
  --depth_;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  AppendString(out_, key);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  AppendString(out_, value);
}

void JsonWriter::Double(double value) {
  Separate();
  char buf[kMaxDoubleChars];
  out_->append(buf, WriteDouble(buf, value));
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, end);
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_->append(value ? "true" : "false");
}

void JsonWriter::Null() {
  Separate();
  out_->append("null");
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_->append(json);
}

}  // namespace retailcast
