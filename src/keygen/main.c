#include <stdio.h>
int main(void)
{
	fputs("usage: sluice-keygen\n", stderr);
	return 1;
}
