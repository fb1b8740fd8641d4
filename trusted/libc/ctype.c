/* SPDX-License-Identifier: Apache-2.0 */
/* ctype.c: character classes of the trusted C library (ctype.h), C locale (ASCII). */
#include <ctype.h>

/* Range tests instead of a table: no index can go out of bounds, whatever the argument. */

int isascii(int character)
{
    return character >= 0 && character <= 0x7f;
}

int isupper(int character)
{
    return character >= 'A' && character <= 'Z';
}

int islower(int character)
{
    return character >= 'a' && character <= 'z';
}

int isalpha(int character)
{
    return isupper(character) || islower(character);
}

int isdigit(int character)
{
    return character >= '0' && character <= '9';
}

int isalnum(int character)
{
    return isalpha(character) || isdigit(character);
}

int isxdigit(int character)
{
    return isdigit(character) || (character >= 'a' && character <= 'f') ||
           (character >= 'A' && character <= 'F');
}

int isblank(int character)
{
    return character == ' ' || character == '\t';
}

int isspace(int character)
{
    return character == ' ' || (character >= '\t' && character <= '\r');
}

int iscntrl(int character)
{
    return (character >= 0 && character < 0x20) || character == 0x7f;
}

int isprint(int character)
{
    return character >= 0x20 && character < 0x7f;
}

int isgraph(int character)
{
    return character > 0x20 && character < 0x7f;
}

int ispunct(int character)
{
    return isgraph(character) && !isalnum(character);
}

int tolower(int character)
{
    return isupper(character) ? character - 'A' + 'a' : character;
}

int toupper(int character)
{
    return islower(character) ? character - 'a' + 'A' : character;
}
