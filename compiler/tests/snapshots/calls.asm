function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000037Fh
  001d  sub       rsp,10h
  0024  sub       r13,16h
  002b  js        0000000000000050h
  0031  mov       rbx,[rbp+10h]
  0038  mov       rsi,[rbp+10h]
  003f  imul      rsi,rbx
  0043  mov       [rbp+10h],rsi
  004a  mov       rsp,rbp
  004d  pop       rbp
  004e  ret
  004f  int3
  0050  mov       [r15+20h],r13
  0057  mov       rdi,r15
  005a  mov       rsi,rsp
  005d  mov       rdx,r11
  0060  call      0000000000000065h
  0065  mov       r13,[r15+20h]
  006c  test      eax,eax
  006e  jne       000000000000032Ah
  0074  mov       r14,[r15]
  007b  mov       r10,[r15+8]
  0082  jmp       0000000000000031h
function 1 (defined 1):
  0090  endbr64
  0094  push      rbp
  0095  mov       rbp,rsp
  0098  lea       rax,[rsp-10h]
  00a0  cmp       rax,[r15+10h]
  00a7  jb        000000000000037Fh
  00ad  sub       rsp,10h
  00b4  sub       r13,12h
  00bb  js        000000000000018Bh
  00c1  mov       r11,[rbp+10h]
  00c8  mov       [rsp],r11
  00d0  call      0
  00d5  mov       r14,[r15]
  00dc  mov       r10,[r15+8]
  00e3  mov       rbx,[rsp]
  00eb  xor       esi,esi
  00ee  mov       r11,[rbp+10h]
  00f5  mov       [rsp],r11
  00fd  mov       [rbp-8],rbx
  0104  sub       r13,3
  0108  cmp       rsi,[r15+40h]
  010f  mov       r11d,0
  0115  cmovae    rsi,r11
  0119  jae       0000000000000343h
  011f  shl       rsi,5
  0123  mov       r11,[r15+38h]
  012a  add       r11,rsi
  012d  cmp       qword ptr [r11],0
  0134  je        000000000000034Dh
  013a  cmp       qword ptr [r11+8],7FFFFFFFh
  0142  jne       0000000000000357h
  0148  cmp       [r11+10h],r15
  014c  jne       00000000000001C2h
  0152  mov       r11,[r11]
  0155  call      000000000000015Ah
  015a  mov       r14,[r15]
  0161  mov       r10,[r15+8]
  0168  mov       rbx,[rsp]
  0170  mov       rsi,[rbp-8]
  0177  add       rsi,rbx
  017a  sub       r13,4
  017e  mov       [rbp+10h],rsi
  0185  mov       rsp,rbp
  0188  pop       rbp
  0189  ret
  018a  int3
  018b  mov       [r15+20h],r13
  0192  mov       rdi,r15
  0195  mov       rsi,rsp
  0198  mov       rdx,r11
  019b  call      00000000000001A0h
  01a0  mov       r13,[r15+20h]
  01a7  test      eax,eax
  01a9  jne       000000000000032Ah
  01af  mov       r14,[r15]
  01b6  mov       r10,[r15+8]
  01bd  jmp       00000000000000C1h
  01c2  sub       r13,64h
  01c6  mov       [r15+20h],r13
  01cd  mov       rdi,r15
  01d0  mov       rsi,rsp
  01d3  mov       rdx,r11
  01d6  call      00000000000001DBh
  01db  mov       r13,[r15+20h]
  01e2  test      eax,eax
  01e4  jne       000000000000032Ah
  01ea  mov       r14,[r15]
  01f1  mov       r10,[r15+8]
  01f8  jmp       000000000000015Ah
