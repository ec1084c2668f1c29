int needed_value(int x) { return x * 10 + 2; }
