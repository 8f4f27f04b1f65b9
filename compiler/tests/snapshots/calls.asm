function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000318h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        0000000000000322h
  0035  mov       rbx,[rbp+10h]
  003c  mov       rsi,[rbp+10h]
  0043  imul      rsi,rbx
  0047  mov       [rbp-8],rsi
  004e  mov       r11,[rbp-8]
  0055  mov       [rbp+10h],r11
  005c  mov       rsp,rbp
  005f  pop       rbp
  0060  ret
  0061  int3
function 1 (defined 1):
  0070  endbr64
  0074  push      rbp
  0075  mov       rbp,rsp
  0078  lea       rax,[rsp-20h]
  0080  cmp       rax,[r15+10h]
  0087  jb        0000000000000318h
  008d  sub       rsp,20h
  0094  sub       qword ptr [r15+20h],1
  009f  js        0000000000000322h
  00a5  mov       r11,[rbp+10h]
  00ac  mov       [rbp-8],r11
  00b3  mov       r11,[rbp-8]
  00ba  mov       [rsp],r11
  00c2  call      0
  00c7  mov       r14,[r15]
  00ce  mov       r11,[rsp]
  00d6  mov       [rbp-8],r11
  00dd  xor       ebx,ebx
  00e0  mov       r11,[rbp+10h]
  00e7  mov       [rbp-10h],r11
  00ee  mov       r11,[rbp-10h]
  00f5  mov       [rsp],r11
  00fd  cmp       rbx,[r15+40h]
  0104  mov       r11d,0
  010a  cmovae    rbx,r11
  010e  jae       00000000000002DCh
  0114  shl       rbx,5
  0118  mov       r11,[r15+38h]
  011f  add       r11,rbx
  0122  mov       r10,[r11]
  0125  test      r10,r10
  0128  je        00000000000002E6h
  012e  cmp       qword ptr [r11+8],7FFFFFFFh
  0136  jne       00000000000002F0h
  013c  cmp       [r11+10h],r15
  0140  jne       0000000000000190h
  0146  mov       r11,r10
  0149  call      000000000000014Eh
  014e  mov       r14,[r15]
  0155  mov       r11,[rsp]
  015d  mov       [rbp-10h],r11
  0164  mov       rbx,[rbp-10h]
  016b  mov       rsi,[rbp-8]
  0172  add       rsi,rbx
  0175  mov       [rbp-8],rsi
  017c  mov       r11,[rbp-8]
  0183  mov       [rbp+10h],r11
  018a  mov       rsp,rbp
  018d  pop       rbp
  018e  ret
  018f  int3
  0190  mov       rdi,r15
  0193  mov       rsi,rsp
  0196  mov       rdx,r11
  0199  call      000000000000019Eh
  019e  test      eax,eax
  01a0  jne       00000000000002C3h
  01a6  mov       r14,[r15]
  01ad  jmp       000000000000014Eh
